local t = {1, 2, 3, x = 10, y = 20}
local s, n = 0, 0
for k, v in pairs(t) do s = s + v n = n + 1 end
print(s, n)
