-- an uncaught invalid replacement value, raised at the caller's line
local t = { b = {} }
print(string.gsub("abc", "a", t))
local r = string.gsub("abc", "b", t)
print(r)
