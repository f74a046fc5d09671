print(string.format("%5.2f|%.3f|%f|%.0f", 3.14159, 2.5, 1/3, 2.7))
print(string.format("%8.3f|%-8.2f|%08.2f", -1.5, 1.5, 3.25))
