local s = "abc"
print(s.nofield)
local n = s.len(s)
print(n)
print(s.x.y)
