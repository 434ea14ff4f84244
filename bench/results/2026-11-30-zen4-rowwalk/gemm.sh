#!/bin/bash
# alternating rounds: OpenBLAS, old jar, new jar at AVX2 width and 512 bits
OUT=$1; : > $OUT
SHAPES="1024,1024,1024 256,256,256 32,1024,128 64,4096,512 1600,1024,128"
for rnd in 1 2 3; do
  for w in avx2 512; do
    core=SkylakeX; flag=""; [ $w = avx2 ] && { core=Haswell; flag="-XX:UseAVX=2"; }
    OPENBLAS_NUM_THREADS=1 OPENBLAS_CORETYPE=$core taskset -c 0 /tmp/obench 1024 1024 1024 256 256 256 32 1024 128 64 4096 512 1600 1024 128 | awk -v r=$rnd -v w=$w 'NR>2{print "r"r, w, "openblas", $1"x"$2"x"$3, $5}' >> $OUT
    for jar in old new; do
      for s in $SHAPES; do IFS=, read m n k <<< "$s"
        g=$(taskset -c 0 java $flag --add-modules jdk.incubator.vector -jar /tmp/$jar.jar bench gemm --m $m --n $n --k $k --warmup-ms 2000 --repetitions 9 2>/dev/null | grep -o "[0-9.]* GFLOP/s" | tail -1)
        echo "r$rnd $w $jar ${m}x${n}x${k} $g" >> $OUT
      done
      g=$(taskset -c 0 java $flag --add-modules jdk.incubator.vector -jar /tmp/$jar.jar bench gemm --trans-a --m 4096 --n 1024 --k 2048 --warmup-ms 2000 --repetitions 5 2>/dev/null | grep -o "[0-9.]* GFLOP/s" | tail -1)
      echo "r$rnd $w $jar dW4096x1024x2048 $g" >> $OUT
    done
  done
done
