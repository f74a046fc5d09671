local x
print(#x)
