(function(){
  document.querySelectorAll('table.sortable').forEach(function(t){
    var ths=t.tHead?t.tHead.rows[0].cells:[];
    Array.prototype.forEach.call(ths,function(th,i){th.addEventListener('click',function(){
      var asc=!th.classList.contains('asc');
      Array.prototype.forEach.call(ths,function(h){h.classList.remove('asc','desc');});
      th.classList.add(asc?'asc':'desc');
      var body=t.tBodies[0],rows=Array.prototype.slice.call(body.rows);
      rows.sort(function(a,b){
        var x=a.cells[i],y=b.cells[i];
        var xv=x&&x.dataset.v!==undefined?parseFloat(x.dataset.v):NaN,yv=y&&y.dataset.v!==undefined?parseFloat(y.dataset.v):NaN;
        var r;
        if(!isNaN(xv)||!isNaN(yv)){r=(isNaN(xv)?Infinity:xv)-(isNaN(yv)?Infinity:yv);}
        else{r=(x?x.textContent:'').localeCompare(y?y.textContent:'');}
        return asc?r:-r;});
      rows.forEach(function(r){body.appendChild(r);});
    });});
  });
  document.querySelectorAll('input.filter').forEach(function(inp){
    inp.addEventListener('input',function(){
      var t=document.getElementById(inp.dataset.table),q=inp.value.toLowerCase();
      Array.prototype.forEach.call(t.tBodies[0].rows,function(r){
        r.style.display=r.textContent.toLowerCase().indexOf(q)>=0?'':'none';});
    });
  });
  var want=new URLSearchParams(location.search).get('only')||location.hash.slice(1);
  var el=want?document.getElementById(want):null;
  if(el&&el.tagName==='SECTION'&&new URLSearchParams(location.search).get('only')){
    document.body.classList.add('solo');el.classList.add('shown');}
  document.getElementById('js-errors').textContent=window.__errors.join('\n');
  document.body.setAttribute('data-ready','1');
})();
