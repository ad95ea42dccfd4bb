# RIDE's router stage on CIFAR-10-LT IF100 (top 10 of 10 logits).
_base_ = ['./ride-ea_resnet32_cifar100lt.py']
load_from = 'work_dirs/ride_resnet32_cifar10lt/epoch_200.pth'
model = dict(head=dict(num_classes=10, router=dict(top_k=10)))
data_preprocessor = dict(num_classes=10)
train_dataloader = dict(dataset=dict(type='CIFAR10LT'))
val_dataloader = dict(dataset=dict(type='CIFAR10LT'))
test_dataloader = val_dataloader
