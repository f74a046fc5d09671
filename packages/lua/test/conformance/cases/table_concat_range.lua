-- oracle: luajit
-- table.concat: separators, ranges, number formatting and the element errors.
local t = {'a', 'b', 'c', 'd'}
print(table.concat(t), table.concat(t, '-'), table.concat(t, ', ', 2), table.concat(t, '', 2, 3))
print('[' .. table.concat(t, ',', 3, 2) .. ']', '[' .. table.concat({}, ',') .. ']')
print(table.concat(t, 0), table.concat({1, 2, 3}, 1.5))
print(table.concat(t, nil, nil, 2), table.concat(t, '+', '2', '3'), table.concat(t, '+', 1.9, 3.9))
print(table.concat({1, 2.5, -0, 1 / 0, -1 / 0, 2 ^ 53, 1 / 3, 1e100, 123456789012}, ' '))
local z = {[-1] = 'm', [0] = 'z', 'a'}
print(table.concat(z, ' ', -1, 1))
print(pcall(table.concat, {1, {}, 3}))
print(pcall(table.concat, {1, 2}, ',', 1, 3))
print(pcall(table.concat, {true}))
print(pcall(table.concat, {1, print}))
print(pcall(table.concat, {}, {}))
print(pcall(table.concat, {}, ',', 'x'))
print(pcall(table.concat, 'abc'))
local proxy = setmetatable({}, {__index = function() return 'idx' end})
print(pcall(table.concat, proxy, ',', 1, 2))
print(table.concat(setmetatable({'raw'}, {__index = function() return 'idx' end})))
table.concat({'a', false})
