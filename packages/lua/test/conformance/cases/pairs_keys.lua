local t = {a = 1, b = 2, c = 3}
local keys = 0
for k in pairs(t) do if t[k] then keys = keys + 1 end end
print(keys)
for k, v in pairs({}) do print("never") end
