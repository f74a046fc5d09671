-- Prints the line of every bytecode of a chunk and of each nested prototype (children first,
-- in constant order, as `luajit -bl` lists them): "<linedefined>: <line of pc 1> <line of pc 2> ...".
local jutil = require("jit.util")
local function dump(f)
  local k = -1
  while true do
    local c = jutil.funck(f, k)
    if c == nil then break end
    if type(c) == "proto" then dump(c) end
    k = k - 1
  end
  local lines = {}
  local pc = 1
  while jutil.funcbc(f, pc) do
    lines[#lines + 1] = jutil.funcinfo(f, pc).currentline
    pc = pc + 1
  end
  io.write(jutil.funcinfo(f).linedefined, ": ", table.concat(lines, " "), "\n")
end
dump(assert(loadfile(arg[1])))
