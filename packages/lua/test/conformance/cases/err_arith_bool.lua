local flag = true
print(flag * 2)
