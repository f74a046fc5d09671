local s = "hello"
print(s:len(), s:sub(2, 3), s:rep(2), s:byte(1), ("x"):rep(3))
print(("%d-%s"):format(7, "ok"))
