-- varargs: select('#'), select(n), {...}, unpack, ... in the main chunk, nils in varargs
local function count(...) return select("#", ...) end
print(count(), count(nil), count(1, nil, 3), count(nil, nil))
local function tail(...) return select(2, ...) end
print(tail(1, 2, 3), (tail(1, 2, 3)))
print(select(-1, 1, 2, 3), select(-2, "a", "b", "c"))
local function pack(...) return { n = select("#", ...), ... } end
local p = pack(1, nil, 3, nil)
print(p.n, p[1], p[2], p[3], p[4])
print(unpack({ 1, 2, 3 }), unpack({ 1, 2, 3 }, 2), unpack({ 1, 2, 3 }, 2, 3), unpack({}, 1, 2))
local function sum(...)
  local s = 0
  for i = 1, select("#", ...) do s = s + (select(i, ...)) end
  return s
end
local total = 0
for i = 1, 100 do total = total + sum(i, i, i) end
print(total)
local function forward(...) return ... end
print(forward(1, 2, 3), forward(), (forward(4, 5)))
print(pcall(select, 0, 1))
print(..., select("#", ...))
local function varmix(a, ...) local b, c = ... return a, b, c, select("#", ...) end
print(varmix(1), varmix(1, 2), varmix(1, 2, 3, 4))
