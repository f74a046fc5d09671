print(#{}, #{1, 2, 3}, #{"a", "b"}, #"hello", #"")
local t = {}
for i = 1, 10 do t[#t + 1] = i * i end
print(#t, t[#t])
