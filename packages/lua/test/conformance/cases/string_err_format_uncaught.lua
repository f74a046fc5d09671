-- an uncaught bad argument from string.format, raised at the caller's line
print(string.format("%5.1f", 2.75))
print(string.format("%d items", "many"))
