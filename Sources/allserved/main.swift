print("allserved")
