-- oracle: luajit
-- "invalid order function for sorting": raised exactly when the quicksort runs off its
-- bounds; non-strict comparators that do not trip it leave their partial order behind.
local function try(t, cmp)
  local ok, err = pcall(table.sort, t, cmp)
  print(ok, err, table.concat(t, ' '))
end
try({1, 2, 3, 4}, function() return true end)
try({1, 2, 3}, function() return true end)
try({5, 5, 5, 5, 5}, function(a, b) return a <= b end)
try({3, 1, 2}, function(a, b) return a <= b end)
try({4, 1, 3, 2}, function(a, b) return a <= b end)
try({1, 2, 2, 1, 3, 3, 2, 1, 3, 2}, function(a, b) return a <= b end)
try({9, 8, 7, 6, 5, 4, 3, 2, 1}, function(a, b) return a >= b end)
try({2, 7, 1, 8, 2, 8, 1, 8, 2, 8}, function(a, b) return a >= b end)
try({1, 2, 3, 4, 5, 6}, function() return false end)
local flip = false
try({6, 2, 9, 1, 7, 3, 8}, function(a, b) flip = not flip return flip end)
-- Raised at the caller's line when called from Lua.
table.sort({1, 2, 3, 4, 5}, function() return true end)
