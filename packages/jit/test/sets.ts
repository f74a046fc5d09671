// Trace files for the engine tests (parsed by @tracesim/ir), each with a scenario.
import { readFileSync } from 'fs';
import { join } from 'path';

export const SELF_LINK_WITH_SIDE = `---- TRACE 1 start t.lua:1
---- TRACE 1 IR
....              SNAP   #0   [ ---- ---- ]
0001       >  num SLOAD  #2    T
0002          num ADD    0001  +1  
....              SNAP   #1   [ ---- ---- 0002 ]
0003       >  num LT     0002  +4  
---- TRACE 1 stop -> tail-recursion

---- TRACE 2 start 1/1 t.lua:3
---- TRACE 2 IR
0001          num SLOAD  #2    PI
0002          num MUL    0001  +2  
....              SNAP   #0   [ ---- ---- 0002 ]
---- TRACE 2 stop -> interpreter

---- SCENARIO
stack 16
base 2
slot #2 = 0
enter 1
times 2
budget 1000
`;

/** LuaJIT #1169's shape: side trace 2 inherits trace 1's 0x10-byte frame and links down-recursion to itself. */
export const DOWN_RECURSION_SIDE = `---- TRACE 1 start t.lua:1
---- TRACE 1 IR
....              SNAP   #0   [ ---- ---- ]
0001       >  num SLOAD  #2    T
....              SNAP   #1   [ ---- ---- ]
0002       >  num LT     0001  +1  
---- TRACE 1 stop -> interpreter

---- TRACE 2 start 1/1 t.lua:2
---- TRACE 2 IR
....              SNAP   #0   [ ---- ---- ]
0001       >  num SLOAD  #2    T
0002          num SUB    0001  +1  
....              SNAP   #1   [ ---- ---- 0002 ]
0003       >  num GE     0002  +1  
---- TRACE 2 stop -> down-recursion

---- SCENARIO
stack 16
base 2
slot #2 = 3
enter 1
budget 1000
`;

/** As DOWN_RECURSION_SIDE, but trace 1 keeps four numbers live at its exit: a small register budget makes it spill (examples/spilling-parent-drift.trace). */
export const DOWN_RECURSION_SPILLING_PARENT = readFileSync(join(__dirname, '../../../examples/spilling-parent-drift.trace'), 'utf8');

/** Host helper calls: floor and pow (pure; 0004 is pow's unlisted CARG), the side-effecting tick twice. */
export const HELPER_CALLS = `---- TRACE 1 start h.lua:1
---- TRACE 1 IR
....              SNAP   #0   [ ---- ---- ]
0001       >  num SLOAD  #2    T
0002       >  num SLOAD  #3    T
0003          num CALLN  lj_vm_floor  (0001)
0005          num CALLN  pow  (0003 0002)
0006          int CALLS  tracesim_tick  ()
0007          int CALLS  tracesim_tick  ()
....              SNAP   #1   [ ---- ---- 0003 0005 0006 0007 ]
0008       >  num LT     0005  +100
---- TRACE 1 stop -> interpreter

---- SCENARIO
stack 16
base 2
slot #2 = 2.75
slot #3 = 3
enter 1
times 2
budget 1000
`;
