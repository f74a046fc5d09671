-- oracle: luajit
-- table.move (LuaJIT 2.1 has it): overlapping moves both ways, into another table, empty
-- ranges, fractional positions and raw access.
local function dump(t, lo, hi)
  local out = {}
  for i = lo, hi do out[#out + 1] = tostring(rawget(t, i)) end
  print(table.concat(out, ' '))
end
dump(table.move({1, 2, 3, 4, 5}, 2, 4, 1), 1, 5)
dump(table.move({1, 2, 3, 4, 5}, 1, 3, 3), 1, 5)
dump(table.move({1, 2, 3}, 1, 3, 1), 1, 3)
dump(table.move({1, 2, 3}, 3, 1, 1), 1, 3)
local src, dst = {1, 2, 3}, {'a', 'b', 'c', 'd'}
print(table.move(src, 1, 3, 2, dst) == dst)
dump(dst, 1, 4)
dump(table.move({1, 2, 3}, 1, 3, 1.5, {}), 1, 3)
dump(table.move({1, 2, 3}, 1.5, 3, 1, {}), 1, 3)
dump(table.move({1, 2, 3}, '2', '3', '1', {}), 1, 3)
dump(table.move({[0] = 0, 1, 2}, 0, 2, -1, {}), -1, 1)
local proxy = setmetatable({}, {__index = function() return 'idx' end, __newindex = function() print('newindex') end})
dump(table.move(proxy, 1, 2, 1, {}), 1, 2)
table.move({1, 2}, 1, 2, 1, proxy)
dump(proxy, 1, 2)
local eq = {__eq = function() print('__eq') return true end}
local a1, a2 = setmetatable({1, 2, 3}, eq), setmetatable({}, eq)
dump(table.move(a1, 1, 3, 2, a2), 1, 4)
print(pcall(table.move))
print(pcall(table.move, {}, 1))
print(pcall(table.move, {}, 1, 2))
print(pcall(table.move, {}, 1, 2, 'x'))
print(pcall(table.move, {}, 1, 2, 3, false))
local same = {}
print(table.move(same, 1, 2, 3, nil) == same)
table.move({}, 1, {})
