policy {
  match('sim/*') { retry 1 }
  match('ok*') { checkpoint { engine 'criu'; interval 'soon' } }
}
