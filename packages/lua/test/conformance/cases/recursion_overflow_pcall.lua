local function f(n) return 1 + f(n + 1) end
local ok, e = pcall(f, 1)
print(ok, e)
