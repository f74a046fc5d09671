local function f() return 1, 2, 3 end
local a, b, c, d = f()
print(a, b, c, d)
local x, y = f(), 10
print(x, y)
local p, q, r = 0, f()
print(p, q, r)
