"""What officials take away: charts, the evaluation table and its Excel file, PNG pictures, plan ZIPs."""
