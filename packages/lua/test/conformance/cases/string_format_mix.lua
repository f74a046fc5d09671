print(string.format("%s has %d items costing %.2f (%x)", "cart", 3, 9.5, 3054))
