local s = "abc" .. "def"
print(#s, #(s .. s))
