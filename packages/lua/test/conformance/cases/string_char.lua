print(string.char(72, 105), string.char(), string.char(97, 98, 99) == "abc")
print(pcall(string.char, 256))
