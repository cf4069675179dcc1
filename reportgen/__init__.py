"""reportgen: the Faaliyet İllerine Göre İhracat İstatistikleri bulletin, from data to PDF and HTML."""
