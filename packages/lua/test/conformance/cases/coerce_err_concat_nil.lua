local x
print(x .. "b")
