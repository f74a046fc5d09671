local s = "The quick brown fox"
local sum = 0
for i = 1, #s do sum = sum + string.byte(s, i) end
print(sum, string.char(string.byte(s, 5, 9)))
