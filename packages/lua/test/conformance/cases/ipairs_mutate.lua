local t = {1, 2, 3}
local n = 0
for i, v in ipairs(t) do n = n + v if i == 1 then t[4] = 4 end end
print(n)
