local t = {f = function(x) return x + 1 end}
print(t.f(1))
local ops = {add = function(a, b) return a + b end, mul = function(a, b) return a * b end}
print(ops.add(2, 3), ops.mul(2, 3))
