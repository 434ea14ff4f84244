#!/bin/bash
OUT=$1; : > $OUT
for rnd in 1 2; do
  for w in avx2 512; do
    core=SkylakeX; flag=""; [ $w = avx2 ] && { core=Haswell; flag="-XX:UseAVX=2"; }
    OPENBLAS_NUM_THREADS=1 OPENBLAS_CORETYPE=$core taskset -c 0 /tmp/obench 1024 1024 1024 256 256 256 32 1024 128 64 4096 512 | awk -v r=$rnd -v w=$w 'NR>2{print "r"r, w, "openblas", $1"x"$2"x"$3, $5}' >> $OUT
    for s in 1024,1024,1024 256,256,256 32,1024,128 64,4096,512; do IFS=, read m n k <<< "$s"
      g=$(taskset -c 0 java $flag --add-modules jdk.incubator.vector -jar /work/main/cli/target/lanegrad.jar bench gemm --m $m --n $n --k $k --warmup-ms 2000 --repetitions 9 2>/dev/null | grep -o "[0-9.]* GFLOP/s" | tail -1)
      echo "r$rnd $w lanegrad ${m}x${n}x${k} $g" >> $OUT
    done
  done
done
