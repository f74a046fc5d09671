local fs = {}
local n = 0
repeat
 local m = n
 fs[#fs + 1] = function() return m end
 n = n + 1
until m >= 2
print(fs[1](), fs[2](), fs[3]())
