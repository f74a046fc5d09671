print(tostring(nil), tostring(false), tostring(12), tostring("x"), tostring(1.5))
print(type(tostring({})), string.sub(tostring({}), 1, 6), string.sub(tostring(print), 1, 9))
