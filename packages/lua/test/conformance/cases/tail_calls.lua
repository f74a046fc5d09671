local function g(x) return x * 2 end
local function f(x) return g(x + 1) end
print(f(4))
print(select("#", f(1)))
