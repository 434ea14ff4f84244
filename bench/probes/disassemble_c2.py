#!/usr/bin/env python3
"""Disassembles one C2-compiled method from a -XX:CompileCommand=print log whose hsdis printed only hex bytes
(Debian's libhsdis0-fcml does), through objdump.

    apt-get install libhsdis0-fcml binutils
    mkdir -p /tmp/hsdis && ln -sf /usr/lib/x86_64-linux-gnu/libhsdis.so.0 /tmp/hsdis/hsdis-amd64.so
    LD_LIBRARY_PATH=/tmp/hsdis LANEGRAD_JAVA_OPTS="-XX:+UnlockDiagnosticVMOptions \\
        -XX:CompileCommand=print,dev.lanegrad.engine.vector.GemmMicroKernel::tile6x2" \\
        ./lanegrad bench gemm --m 64 --n 4096 --k 512 > /tmp/print.log 2>&1
    python3 bench/probes/disassemble_c2.py /tmp/print.log tile6x2

Prints the last "Compiled method (c2)" of the named method (the standard compile, not an OSR one, when there is
one), as objdump shows it; a loop's size in bytes is its back branch's address minus its target's.
"""
import re
import subprocess
import sys
import tempfile


def method_code(lines, name):
    starts = [i for i, l in enumerate(lines) if l.startswith('Compiled method (c2)') and ('::' + name + ' ') in l]
    standard = [i for i in starts if ' % ' not in lines[i]]
    if not (standard or starts):
        sys.exit('no C2 compile of %s in the log' % name)
    start = (standard or starts)[-1]
    code, base = bytearray(), None
    for line in lines[start + 1:]:
        if line.startswith('Compiled method'):
            break
        m = re.match(r'\s+0x([0-9a-f]+): ([0-9a-f]{2,4}(?: \|? ?[0-9a-f]{2,4})*)\s*$', line)
        if not m:
            continue
        addr = int(m.group(1), 16)
        if base is None:
            base = addr
        if addr - base < len(code):
            continue  # an annotation repeating an address already read
        code += b'\x90' * (addr - base - len(code))
        code += bytes.fromhex(re.sub(r'[ |]', '', m.group(2)))
    return base, bytes(code)


def main():
    if len(sys.argv) != 3:
        sys.exit('usage: disassemble_c2.py PRINT_LOG METHOD_NAME')
    with open(sys.argv[1], errors='replace') as f:
        lines = f.read().split('\n')
    base, code = method_code(lines, sys.argv[2])
    with tempfile.NamedTemporaryFile(suffix='.bin') as tmp:
        tmp.write(code)
        tmp.flush()
        out = subprocess.run(['objdump', '-D', '-b', 'binary', '-mi386:x86-64', '--adjust-vma=0x%x' % base, tmp.name],
                             capture_output=True, text=True, check=True).stdout
    print(out)


if __name__ == '__main__':
    main()
