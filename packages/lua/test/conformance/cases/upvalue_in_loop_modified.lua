local total = 0
local function add(v) total = total + v end
for i = 1, 100 do add(i) end
print(total)
