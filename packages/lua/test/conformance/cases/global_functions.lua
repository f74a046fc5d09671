function gf(x) return x * 3 end
print(gf(3))
local t = {}
function t.f() return "tf" end
print(t.f())
