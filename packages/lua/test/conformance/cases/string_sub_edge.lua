local s = "abc"
print(string.sub(s, -10, 2), string.sub(s, 2, 100), string.sub(s, 3, 3), "[" .. string.sub(s, 4) .. "]")
