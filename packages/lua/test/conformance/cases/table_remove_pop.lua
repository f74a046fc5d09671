-- table.remove pops under the JIT: values of mixed types, an emptied table, results unused
local t = {}
for i = 1, 300 do t[#t + 1] = (i % 3 == 0) and ("s" .. i) or i end
local n, s, strs = 0, 0, 0
for i = 1, 320 do
  local v = table.remove(t)
  if v == nil then n = n + 1 elseif type(v) == "number" then s = s + v else strs = strs + #v end
  if i % 50 == 0 then t[#t + 1] = i end
end
local u = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
for i = 1, 100 do table.remove(u); u[#u + 1] = i end
print(n, s, strs, #t, #u, u[#u])
