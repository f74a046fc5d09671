local x = 1
local function f() local x = x + 1 return x end
print(f(), x)
local x = 10
print(x)
