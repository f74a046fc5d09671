local nan = 0/0
print(nan == nan, nan ~= nan, nan < 1, nan > 1, 1 <= nan)
