print(pcall(string.rep))
print(pcall(string.sub))
