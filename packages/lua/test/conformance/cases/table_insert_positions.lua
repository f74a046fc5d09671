-- oracle: luajit
-- table.insert: appending, positions inside, at 0, negative and past the end, coerced
-- positions, nil values, and the argument count check.
local function dump(t, lo, hi)
  local out = {}
  for i = lo, hi do out[#out + 1] = tostring(t[i]) end
  print(#t, table.concat(out, ' '))
end
local t = {}
for i = 1, 5 do table.insert(t, i * 10) end
dump(t, 1, 5)
table.insert(t, 1, 'first')
table.insert(t, 3, 'third')
table.insert(t, #t + 1, 'last')
dump(t, 1, 8)
local z = {1, 2}
table.insert(z, 0, 'zero')
dump(z, -1, 3)
local n = {1, 2}
table.insert(n, -2, 'neg')
dump(n, -3, 3)
local p = {1, 2}
table.insert(p, 5, 'far')
dump(p, 1, 5)
local s = {1, 2, 3}
table.insert(s, '2', 'str')
table.insert(s, 1.9, 'float')
dump(s, 1, 5)
local v = {1, 2}
table.insert(v, nil)
table.insert(v, 1, nil)
dump(v, 1, 3)
print(select('#', table.insert({}, 1)))
print(pcall(table.insert, {}))
print(pcall(table.insert, {}, 1, 2, 3))
print(pcall(table.insert, {}, 'x', 1))
print(pcall(table.insert, {}, nil, 1))
print(pcall(table.insert, 'str', 1))
print(pcall(table.insert))
local proxy = setmetatable({}, {__newindex = function() print('newindex') end, __index = function() return 'idx' end})
table.insert(proxy, 'raw')
print(rawget(proxy, 1), #proxy)
table.insert({}, 1, 2, 3)
