local function f(n) if n == 0 then return "bottom" end return pcall(f, n - 1) end
local r = {f(3)}
print(#r, r[1], r[4])
print(select("#", f(100)))
