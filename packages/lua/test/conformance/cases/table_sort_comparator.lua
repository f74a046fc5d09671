-- oracle: luajit
-- table.sort with comparators: descending, by key, call counts, ties between equal keys and
-- truthiness of the comparator's first result.
local t = {4, 8, 1, 9, 3, 3, 7}
table.sort(t, function(a, b) return a > b end)
print(table.concat(t, ' '))
local calls = 0
local u = {}
for i = 1, 30 do u[i] = (i * 11) % 17 end
table.sort(u, function(a, b) calls = calls + 1 return a < b end)
print(calls, table.concat(u, ' '))
-- Records sorted by one field: the order of ties follows the quicksort exactly.
local recs = {}
for i = 1, 16 do recs[i] = {key = i % 4, id = i} end
table.sort(recs, function(a, b) return a.key < b.key end)
local out = {}
for i, r in ipairs(recs) do out[i] = r.key .. ':' .. r.id end
print(table.concat(out, ' '))
-- Comparators answering non-booleans: nil and false are false, anything else true.
local v = {3, 1, 2}
table.sort(v, function(a, b) if a < b then return 0 end end)
print(table.concat(v, ' '))
local w = {'b', 'c', 'a'}
table.sort(w, function(a, b) return a < b, 'ignored' end)
print(table.concat(w, ' '))
-- A comparator that errors, and one that is not a function.
print(pcall(table.sort, {2, 1}, function() error('cmp failed') end))
local ok, err = pcall(table.sort, {2, 1}, function() error({code = 7}) end)
print(ok, type(err), err.code)
print(pcall(table.sort, {2, 1}, 42))
print(pcall(table.sort, {2, 1}, setmetatable({}, {__call = function() return true end})))
-- The comparator sees the elements being compared.
local seen = {}
table.sort({2, 1, 3}, function(a, b) seen[#seen + 1] = a .. '<' .. b return a < b end)
print(table.concat(seen, ' '))
