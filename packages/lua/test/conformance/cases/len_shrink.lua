local t = {1, 2, 3, 4, 5}
t[#t] = nil
print(#t)
t[#t] = nil
print(#t)
t[#t + 1] = 9
print(#t, t[4])
