local n = 3
n()
