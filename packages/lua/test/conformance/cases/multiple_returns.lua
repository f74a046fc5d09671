local function f() return 1, 2, 3 end
print(f())
print(f(), f())
print((f()))
print(f(), "end")
