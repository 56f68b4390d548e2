Console.WriteLine("chaos");
