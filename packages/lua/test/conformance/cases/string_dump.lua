-- string.dump's errors: builtins cannot be dumped, and the argument must be a function
print(pcall(string.dump, print))
print(pcall(string.dump))
print(pcall(string.dump, "x"))
print(type(string.dump))
