-- oracle: luajit
-- table.sort with the default order: numbers, strings, duplicates, short and empty arrays.
local function show(t) print(#t, table.concat(t, ' ')) end
local cases = {
  {}, {7}, {2, 1}, {1, 2}, {3, 1, 2}, {1, 1, 1}, {5, 4, 3, 2, 1, 0, -1},
  {9, 1, 8, 2, 7, 3, 6, 4, 5}, {3, 3, 1, 1, 2, 2, 3, 1}, {1.5, -0.5, 1e10, -1e10, 0},
}
for _, t in ipairs(cases) do
  table.sort(t)
  show(t)
end
local words = {'pear', 'apple', 'Fig', 'banana', '', 'apple', 'a', 'Z', '10', '9'}
table.sort(words)
print(table.concat(words, ','))
local big = {}
for i = 1, 200 do big[i] = (i * 37) % 101 end
table.sort(big)
local ok = true
for i = 2, #big do if big[i - 1] > big[i] then ok = false end end
print(ok, big[1], big[100], big[200])
print(select('#', table.sort({2, 1})))
table.sort({3, 2, 1}, nil)
