local s = ""
for i = 1, 5 do s = s .. i end
print(s, #s, s == "12345", s < "2")
