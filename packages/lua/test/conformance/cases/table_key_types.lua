local t = {}
local k = {}
t[k] = "tablekey"
t[true] = "yes"
t["1"] = "str1"
t[1] = "num1"
print(t[k], t[true], t["1"], t[1])
