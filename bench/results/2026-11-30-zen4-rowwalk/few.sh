#!/bin/bash
OUT=$1; : > $OUT
for rnd in 1 2 3; do
  for w in avx2 512; do
    flag=""; [ $w = avx2 ] && flag="-XX:UseAVX=2"
    for jar in old new; do
      for s in 32,1024,128 64,4096,512 96,1024,256; do IFS=, read m n k <<< "$s"
        g=$(taskset -c 0 java $flag --add-modules jdk.incubator.vector -jar /tmp/$jar.jar bench gemm --m $m --n $n --k $k --warmup-ms 2000 --repetitions 9 2>/dev/null | grep -o "[0-9.]* GFLOP/s" | tail -1)
        echo "r$rnd $w $jar ${m}x${n}x${k} $g" >> $OUT
      done
    done
  done
done
